"""Import every model so that the mappers and Alembic see the whole schema."""
from participation.accounts.models import Role, User  # noqa: F401
from participation.comments.models import (  # noqa: F401
    Comment, CommentAttachment, CommentCell, CommentPhoto, CommentTally, CommentVersion, ModerationEvent,
    OfficialAnswer, Report, Support,
)
from participation.municipalities.models import Municipality, TownBlock, memberships  # noqa: F401
from participation.projects.models import Category, Phase, Project  # noqa: F401
from participation.jobs.models import Job, JobStatus  # noqa: F401
from participation.layers.models import Layer, LayerFeature, LayerVersion  # noqa: F401
from participation.layers.uploads.models import LayerUpload  # noqa: F401
from participation.maps.models import Map, MapLayer  # noqa: F401
from participation.statutes.models import (  # noqa: F401
    PeriodChange, Statute, StatuteDocument, StatuteParagraph, StatutePeriod, StatuteSection,
)
from participation.addresses.models import Address, AddressList  # noqa: F401
from participation.notifications.models import Follow, MailOptOut, SentNotice  # noqa: F401
from participation.exports.models import Export  # noqa: F401
from participation.surveys.models import (  # noqa: F401
    AccessCode, Answer, Participation, Question, Survey, SurveyPage, SurveyResponse,
)
import participation.comments.tallies  # noqa: F401,E402 - its flush hooks keep the comment counts

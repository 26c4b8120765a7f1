"""What surveys add to the app: the builder, answering, results, access codes (and the job that makes their
sheets to print, whose files expire) and exports of responses."""
from __future__ import annotations

from flask import Flask

from participation.jobs.registry import register_job_type, register_periodic
from participation.exports.services import ResponseWriter, register_response_writer
from participation.surveys import (
    builder_views, code_sheets, codes_views, export_views, exports, results_views, views,
)
from participation.surveys.permissions import can_manage_surveys
from participation.surveys.queries import subject_surveys
from participation.surveys.questions import condition_answer, question_type

#: How often the worker looks for expired sheets of access codes.
CLEAN_SECONDS = 3600


def init_app(app: Flask) -> None:
    for module in (views, builder_views, results_views, codes_views, export_views):
        app.register_blueprint(module.bp)
    app.add_template_global(subject_surveys, "subject_surveys")
    app.add_template_global(question_type, "question_type")
    app.add_template_global(condition_answer, "condition_answer")
    app.add_template_global(can_manage_surveys, "can_manage_surveys")
    register_job_type(app, code_sheets.JOB, code_sheets.write_sheet)
    register_periodic(app, code_sheets.CLEAN_TASK, CLEAN_SECONDS, code_sheets.remove_expired)
    register_response_writer(app, ResponseWriter(write=exports.write_survey_file, check=exports.check_format,
                                                 label=exports.format_label))

"""Photos people upload, decoded and encoded again so that nothing but the picture is kept.

No Flask here: the functions take bytes and limits and return bytes. Messages are English msgids
(`N_`) with parameters, translated by the caller, as in `geo.errors`.

What comes out, whatever came in (JPEG, PNG or WebP, recognised by its content):

- one JPEG (quality 85) no larger than `Limits.max_edge` on its longer side, turned upright by its
  EXIF orientation, and a thumbnail of the same kind no larger than `Limits.thumb_edge`;
- no metadata at all: no EXIF (so no GPS position, camera or time), no XMP, no comments. An ICC
  colour profile is applied (the pixels are converted to sRGB) and then left out, so that colours
  stay right without keeping the profile;
- transparent parts flattened on white (JPEG has no transparency), 16-bit images reduced to 8 bits;
- of an animated image (APNG, animated WebP) only the first frame.

Refused: anything else, a file larger than `max_bytes`, more pixels than `max_pixels` (checked from
the header before the picture is decoded, so a small file cannot unpack into gigabytes), a file that
is cut off or broken.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from geo.errors import N_

#: Pillow format name → what a person reads; no other decoder is ever tried.
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MEDIA_TYPE = "image/jpeg"
QUALITY = 85
THUMBNAIL_QUALITY = 80
_SRGB = ImageCms.createProfile("sRGB")


class ImageRefused(ValueError):
    """An image that is not taken; `message` is an English msgid, `params` its values."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    #: The longer side of the stored photo and of its thumbnail, in pixels.
    max_edge: int
    thumb_edge: int


@dataclass(frozen=True)
class CleanImage:
    """A photo encoded again: the JPEG, its thumbnail and the photo's size in pixels."""

    data: bytes
    thumbnail: bytes
    width: int
    height: int
    media_type: str = MEDIA_TYPE


def fit_within(width: int, height: int, edge: int) -> tuple[int, int]:
    """(width, height) scaled down so that the longer side is at most `edge`, never up; at least 1 × 1."""
    longer = max(width, height)
    if longer <= edge:
        return width, height
    return max(1, round(width * edge / longer)), max(1, round(height * edge / longer))


def clean_image(data: bytes, limits: Limits) -> CleanImage:
    """Check an uploaded image and encode it again without metadata (see the module's docstring).

    Raises
    ------
    ImageRefused
        For a file too large, of another kind, with too many pixels, or broken.
    """
    if len(data) > limits.max_bytes:
        raise ImageRefused(N_("The file is larger than {max} MB."), max=limits.max_bytes // 2**20)
    if not data:
        raise ImageRefused(N_("The file is empty."))
    picture = _decoded(data, limits)
    picture = _upright_rgb(picture)
    size = fit_within(*picture.size, limits.max_edge)
    if size != picture.size:
        picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumbnail = picture.resize(fit_within(*size, limits.thumb_edge), Image.Resampling.LANCZOS)
    return CleanImage(_jpeg(picture, QUALITY), _jpeg(thumbnail, THUMBNAIL_QUALITY), *size)


def _decoded(data: bytes, limits: Limits) -> Image.Image:
    """The first frame, decoded, after the header's size passed the pixel limit."""
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard (a warning past 89 million pixels, an error past twice that) is
            # an answer like ours: refuse, never just warn.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(limits) from None
    except Image.UnidentifiedImageError:
        raise ImageRefused(N_("The file is not a JPEG, PNG or WebP image (checked by its content, not its "
                              "name).")) from None
    except Exception:  # noqa: BLE001 - a broken header makes Pillow's parsers raise many kinds of error
        raise _broken() from None
    width, height = picture.size
    if width < 1 or height < 1:
        raise _broken()
    if width * height > limits.max_pixels:
        raise _too_many_pixels(limits)
    try:
        picture.seek(0)  # an animated image: its first frame
        if picture.format == "JPEG":
            # Decoded at a fraction of its size where that still covers max_edge: far less time and memory.
            picture.draft("RGB", (limits.max_edge, limits.max_edge))
        picture.load()
    except Exception:  # noqa: BLE001 - as above: cut-off or corrupt data, in any decoder's words
        raise _broken() from None
    return picture


def _too_many_pixels(limits: Limits) -> ImageRefused:
    return ImageRefused(N_("The image has too many pixels (at most {max} million). Please reduce its size."),
                        max=limits.max_pixels // 1_000_000)


def _broken() -> ImageRefused:
    return ImageRefused(N_("The image could not be read: it is incomplete or damaged. Please save it again."))


def _upright_rgb(picture: Image.Image) -> Image.Image:
    """Turned by its EXIF orientation, in sRGB (its ICC profile applied), transparency on white."""
    # EXIF too broken to read: the picture as it was stored.
    with contextlib.suppress(Exception):
        picture = ImageOps.exif_transpose(picture)
    icc = picture.info.get("icc_profile")
    if icc and picture.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            picture = ImageCms.profileToProfile(picture, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB,
                                                outputMode="RGBA" if picture.mode == "RGBA" else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a profile LittleCMS cannot use: the pixels as they are
    if picture.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
    if picture.mode in ("P", "PA", "LA", "RGBa", "La") or "transparency" in picture.info:
        picture = picture.convert("RGBA")
    if picture.mode == "RGBA":
        white = Image.new("RGB", picture.size, (255, 255, 255))
        white.paste(picture, mask=picture.getchannel("A"))
        picture = white
    if picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    return picture


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    # A new image holds the pixels only: no `info` (EXIF, XMP, ICC, comments) can travel into the file.
    bare = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()

"""participation.images: what comes out of an uploaded photo, and what is refused (no Flask needed)."""
from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from participation.images import ImageRefused, Limits, clean_image, fit_within
from tests.photos.images import animated_webp, huge_png, jpeg_with_gps, png, webp

LIMITS = Limits(max_bytes=10 * 2**20, max_pixels=40_000_000, max_edge=2048, thumb_edge=400)


def opened(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def test_a_jpeg_keeps_its_picture_and_loses_exif_gps_xmp_and_comments():
    original = jpeg_with_gps()
    assert b"Exif" in original and b"secret place" in original and b"Phone 12" in original  # the test can fail
    clean = clean_image(original, LIMITS)
    for data in (clean.data, clean.thumbnail):
        stored = opened(data)
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert stored.getexif().get_ifd(0x8825) == {}
        assert not ({"exif", "xmp", "comment", "icc_profile"} & set(stored.info))
        for secret in (b"Exif", b"Phone 12", b"secret place", b"secret comment", b"2024:05:01"):
            assert secret not in data
    assert (clean.width, clean.height) == (800, 600)
    assert opened(clean.thumbnail).size == (400, 300)
    assert opened(clean.data).getpixel((700, 500))[0] > 150  # still red


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    clean = clean_image(jpeg_with_gps(800, 600, orientation=6), LIMITS)  # "turn 90° clockwise to view"
    stored = opened(clean.data)
    assert stored.size == (600, 800) == (clean.width, clean.height)
    # The blue corner was top left as stored; turned clockwise it is top right.
    red, _green, blue = stored.getpixel((590, 10))
    assert blue > 150 and red < 100


def test_a_large_photo_is_scaled_down_to_the_longest_edge():
    clean = clean_image(jpeg_with_gps(4000, 3000), LIMITS)
    assert (clean.width, clean.height) == (2048, 1536) == opened(clean.data).size
    assert opened(clean.thumbnail).size == fit_within(2048, 1536, 400) == (400, 300)


def test_png_with_transparency_is_flattened_on_white_and_webp_is_taken():
    clean = clean_image(png(), LIMITS)
    stored = opened(clean.data)
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert all(value > 245 for value in stored.getpixel((10, 10)))  # transparent → white
    assert opened(clean_image(webp(), LIMITS).data).size == (300, 200)


def test_a_16_bit_greyscale_png_keeps_its_tones():
    clean = clean_image(png(mode="I;16", colour=32768), LIMITS)
    assert 120 <= opened(clean.data).getpixel((5, 5)) <= 136


def test_of_an_animated_image_the_first_frame_is_kept():
    stored = opened(clean_image(animated_webp(), LIMITS).data)
    red, _green, blue = stored.getpixel((10, 10))
    assert red > 200 and blue < 60


@pytest.mark.parametrize("data, words", [
    (b"This is a text file, named photo.jpg", "not a JPEG, PNG or WebP"),
    (b"GIF89a" + b"\0" * 100, "not a JPEG, PNG or WebP"),
    (b"", "empty"),
    (jpeg_with_gps()[:3000], "incomplete or damaged"),
    (png()[:60], "incomplete or damaged"),
])
def test_other_files_and_broken_images_are_refused(data, words):
    with pytest.raises(ImageRefused) as refused:
        clean_image(data, LIMITS)
    assert words in str(refused.value)


def test_too_many_pixels_are_refused_from_the_header_without_decoding():
    data = huge_png(10_000)
    assert len(data) < 100_000
    started = time.perf_counter()
    with pytest.raises(ImageRefused, match="too many pixels"):
        clean_image(data, LIMITS)
    assert time.perf_counter() - started < 0.5  # decoding 100 million pixels takes seconds
    # Under Pillow's own bomb guard (89 million) the limit is ours.
    with pytest.raises(ImageRefused, match="at most 1 million"):
        clean_image(png(1200, 1000), Limits(10 * 2**20, 1_000_000, 2048, 400))


def test_a_file_over_the_byte_limit_is_refused():
    with pytest.raises(ImageRefused, match="larger than 1 MB"):
        clean_image(b"\xff\xd8\xff" + b"\0" * 2**20, Limits(2**20, 40_000_000, 2048, 400))


def test_fit_within_never_scales_up():
    assert fit_within(300, 200, 400) == (300, 200)
    assert fit_within(10_000, 10, 400) == (400, 1)

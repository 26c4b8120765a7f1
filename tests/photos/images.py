"""Test images made with Pillow."""
from __future__ import annotations

import io

from PIL import ExifTags, Image

#: Where the GPS tags of `jpeg_with_gps` put the photo: 53° 33′ 7″ N, 13° 15′ 18″ E.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (53.0, 33.0, 7.0),
    ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (13.0, 15.0, 18.0),
}


def jpeg_with_gps(width: int = 800, height: int = 600, orientation: int = 1) -> bytes:
    """A JPEG with camera, time and GPS position in its EXIF data, an XMP packet and a comment."""
    picture = Image.new("RGB", (width, height), (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, width // 4, height // 4))  # a blue corner: shows the orientation
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone maker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.DateTime] = "2024:05:01 10:00:00"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, xmp=b"<x:xmpmeta>secret place</x:xmpmeta>", comment=b"secret comment")
    return out.getvalue()


def png(width: int = 300, height: int = 200, mode: str = "RGBA", colour=(0, 128, 0, 0), **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, "PNG", **options)
    return out.getvalue()


def webp(width: int = 300, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 200)).save(out, "WEBP")
    return out.getvalue()


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (120, 80), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def huge_png(side: int = 10_000) -> bytes:
    """side × side pixels of one colour: a few kilobytes on disk, 100 million pixels when decoded."""
    out = io.BytesIO()
    Image.new("1", (side, side), 1).save(out, "PNG", optimize=True)
    return out.getvalue()

"""Test photos and synthetic capture sequences.

The photos are the test images of face_recognition 1.3.0 (MIT), taken from its source
archive on PyPI at test time and cached under var/test-data/ (never committed): several
photos of Barack Obama and one of Joe Biden.

Liveness sequences are synthesised from one still photo:
- head turn: a cylindrical warp rotates the face about the vertical axis, so the nose
  moves along the jaw line while the face outline stays put (as in a real yaw);
- blink: the eye openings are painted over with the lid skin above and below them and
  a dark lash line, which dlib's landmarks read as a shut eye;
- replay: the same photo, or copies of it re-encoded, shifted, scaled or rotated.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from simulators.dukcapil import faces

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / "var" / "test-data" / "face_recognition"
ARCHIVE = "face_recognition-1.3.0.tar.gz"
IMAGES = CACHE / "test_images"


def images_dir() -> Path:
    """The directory with obama.jpg, obama2.jpg, obama3.jpg, biden.jpg…; downloads once."""
    if (IMAGES / "obama.jpg").exists():
        return IMAGES
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / ARCHIVE
    if not archive.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                "face_recognition==1.3.0",
                "-d",
                str(CACHE),
            ],
            check=True,
            timeout=300,
        )
    IMAGES.mkdir(exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if member.isfile() and parts[-2:-1] == ("test_images",):
                source = tar.extractfile(member)
                assert source is not None
                (IMAGES / parts[-1]).write_bytes(source.read())
    return IMAGES


def pixels(name: str) -> np.ndarray:
    """The photo as the simulator sees it (decoded, at most faces.WORK_SIDE)."""
    return faces.decode_photo((images_dir() / name).read_bytes())


def face_points(image: np.ndarray) -> np.ndarray:
    """The 48 jaw, brow, nose and eye landmarks (dlib 68-point numbering) the simulator uses."""
    return faces.analyse(image).landmarks


def jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def png(image: np.ndarray | Image.Image) -> bytes:
    buffer = io.BytesIO()
    (image if isinstance(image, Image.Image) else Image.fromarray(image)).save(buffer, "PNG")
    return buffer.getvalue()


def _sample(image: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Bilinear sampling of image at the source coordinates (sx, sy)."""
    h, w, _ = image.shape
    src = image.astype(float)
    sx = np.clip(sx, 0, w - 1.001)
    sy = np.clip(sy, 0, h - 1.001)
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
    top = src[y0, x0] * (1 - fx) + src[y0, x0 + 1] * fx
    bottom = src[y0 + 1, x0] * (1 - fx) + src[y0 + 1, x0 + 1] * fx
    return (top * (1 - fy) + bottom * fy).astype(np.uint8)


def turn_head(image: np.ndarray, points: np.ndarray, angle: float) -> np.ndarray:
    """Rotate the face about a vertical axis by `angle` radians (cylinder model).

    Positive angles move the nose toward the image's right edge: in an unmirrored
    frame that is the person turning to their own left.
    """
    h, w, _ = image.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    cx = (points[0, 0] + points[16, 0]) / 2
    radius = (points[16, 0] - points[0, 0]) / 2 * 1.15
    cy = (points[8, 1] + points[19, 1]) / 2
    half_height = (points[8, 1] - points[19, 1]) * 0.75
    u = np.clip((xx - cx) / radius, -1, 1)
    source_x = cx + radius * np.sin(np.arcsin(u) - angle)
    weight = np.exp(-(((yy - cy) / half_height) ** 8)) * (np.abs(xx - cx) < radius)
    return _sample(image, xx + (source_x - xx) * weight, yy)


def close_eyes(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Paint the eyes shut: lid skin interpolated over each eye opening plus a lash line."""
    out = image.astype(float).copy()
    h, w, _ = image.shape
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    eyes = (points[36:42], points[42:48])
    for eye in eyes:
        centre = eye.mean(axis=0)
        draw.polygon([tuple(centre + (p - centre) * np.array([1.15, 1.6])) for p in eye], fill=255)
    covered = np.asarray(mask) > 0
    for x in np.where(covered.any(axis=0))[0]:
        ys = np.where(covered[:, x])[0]
        top, bottom = ys[0] - 2, ys[-1] + 2
        t = ((np.arange(top, bottom + 1) - top) / (bottom - top))[:, None]
        out[top : bottom + 1, x] = out[top, x] * (1 - t) + out[bottom, x] * t
    shut = Image.fromarray(out.astype(np.uint8))
    lashes = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(lashes)
    for eye in eyes:
        width = np.linalg.norm(eye[0] - eye[3])
        upper, lower = (eye[1] + eye[2]) / 2, (eye[4] + eye[5]) / 2
        middle = upper + (lower - upper) * 0.55
        draw.line([tuple(eye[0]), tuple(middle), tuple(eye[3])], fill=160, width=max(2, int(width * 0.08)))
    lashes = lashes.filter(ImageFilter.GaussianBlur(1.2))
    return np.asarray(Image.composite(Image.new("RGB", (w, h), (40, 30, 30)), shut, lashes))


def shifted(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    h, w, _ = image.shape
    moved = Image.fromarray(image).transform((w, h), Image.AFFINE, (1, 0, dx, 0, 1, dy), resample=Image.BILINEAR)
    return np.asarray(moved)


def scaled(image: np.ndarray, factor: float) -> np.ndarray:
    h, w, _ = image.shape
    return np.asarray(Image.fromarray(image).resize((int(w * factor), int(h * factor)), Image.BILINEAR))


def rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    return np.asarray(Image.fromarray(image).rotate(degrees, resample=Image.BILINEAR))


def side_by_side(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    h = max(left.shape[0], right.shape[0])
    canvas = Image.new("RGB", (left.shape[1] + right.shape[1], h), (255, 255, 255))
    canvas.paste(Image.fromarray(left), (0, 0))
    canvas.paste(Image.fromarray(right), (left.shape[1], 0))
    return np.asarray(canvas)


@dataclass(frozen=True)
class Sequences:
    enrol: bytes
    blink: list[bytes]
    turn_left: list[bytes]
    turn_right: list[bytes]
    replay: list[bytes]
    near_identical: list[bytes]
    other_person: list[bytes]


def sequences() -> Sequences:
    """Frame sequences for every liveness case, from the library's test photos (downloaded once)."""
    directory = images_dir()
    # The frames come from another photo than the enrolled one, as a selfie differs from the KTP photo.
    selfie = pixels("obama3.jpg")
    points = face_points(selfie)
    other = pixels("biden.jpg")
    other_points = face_points(other)
    return Sequences(
        enrol=(directory / "obama.jpg").read_bytes(),
        blink=[
            jpeg(selfie),
            jpeg(shifted(selfie, 3, 2)),
            jpeg(close_eyes(selfie, points)),
            jpeg(selfie, quality=85),
        ],
        turn_left=[
            jpeg(selfie),
            jpeg(turn_head(selfie, points, 0.25)),
            jpeg(turn_head(selfie, points, 0.45)),
        ],
        turn_right=[
            jpeg(selfie),
            jpeg(turn_head(selfie, points, -0.25)),
            jpeg(turn_head(selfie, points, -0.45)),
        ],
        replay=[jpeg(selfie)] * 4,
        near_identical=[
            jpeg(selfie),
            jpeg(selfie, quality=70),
            jpeg(shifted(selfie, 7, -5)),
            jpeg(scaled(selfie, 0.9)),
            png(rotated(selfie, 3)),
        ],
        other_person=[
            jpeg(other),
            jpeg(shifted(other, 3, 3)),
            jpeg(close_eyes(other, other_points)),
        ],
    )

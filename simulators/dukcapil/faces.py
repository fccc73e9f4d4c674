"""Face photos: safe decoding, 128-d encodings, 1:1 matching and liveness over frames.

Encodings and 68-point landmarks come from dlib's models as shipped by PyPI's
`face_recognition_models`, through `face_recognition`; nothing is downloaded at run
time. Thresholds are explained in README.md, measured on the library's test photos.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

with warnings.catch_warnings():
    # face_recognition_models still imports pkg_resources (hence setuptools<81).
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import face_recognition

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Checked from the header before decoding: a small PNG can inflate to gigabytes.
MAX_PIXELS = 4096 * 4096
# The pipeline works on images at most this large: a selfie's face stays >200 px wide,
# the encoding is the same within ~0.02, and detection is 2-3x faster than at full size.
WORK_SIDE = 800

DEFAULT_THRESHOLD = 0.5
# Liveness (see README.md for the measurements behind each number).
BLINK_MIN_DROP = 0.30  # eye aspect ratio falls by 30% against open frames before and after
BLINK_MAX_EAR = 0.20  # ... and to what an eye that is really shut measures
TURN_MIN_SHIFT = 0.10  # nose tip moves a tenth of the face width along the jaw line
STILL_MAX_LANDMARK_MOTION = 0.08  # copies of one photo (re-encoded, moved) jitter less (x eye distance)

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# dlib's detector and predictors are not documented as thread-safe; the server runs
# several request threads per worker, so face work is serialized per process.
_DLIB_LOCK = threading.Lock()


class PhotoError(Exception):
    """A photo that cannot be used: code is bad_image, no_face or several_faces."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Face:
    encoding: np.ndarray  # 128 floats
    landmarks: np.ndarray  # 48 x 2: jaw, brows, nose, eyes of dlib's 68-point layout
    pixels_sha256: str  # of the decoded image: the same picture sent twice is obvious


@dataclass(frozen=True, slots=True)
class Liveness:
    passed: bool
    challenge: str
    reason: str  # ok, different_person, no_motion, no_blink, no_turn, wrong_direction


@dataclass(frozen=True, slots=True)
class FaceCheck:
    match: bool
    distance: float  # the worst frame: every frame must show the enrolled person
    frame_distances: list[float]
    liveness: Liveness


def decode_photo(data: bytes) -> np.ndarray:
    """A JPEG or PNG (checked by content, not by file name or Content-Type) as RGB pixels, at most WORK_SIDE.

    Raises PhotoError bad_image, also for a photo over the byte or pixel limit (the message
    says which), the one code clients already handle for an unusable file.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError("bad_image", f"the photo is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    if not (data.startswith(_JPEG_MAGIC) or data.startswith(_PNG_MAGIC)):
        raise PhotoError("bad_image", "a photo must be a JPEG or PNG image")
    try:
        # Opening reads only the header; the pixel limit is checked before anything is decoded
        # (far below Pillow's own decompression-bomb limit, which also applies).
        image = Image.open(io.BytesIO(data), formats=("JPEG", "PNG"))
        if image.width * image.height > MAX_PIXELS:
            raise PhotoError("bad_image", f"the photo has more than {MAX_PIXELS:,} pixels")
        image.draft("RGB", (WORK_SIDE, WORK_SIDE))  # JPEG: decode at a reduced scale directly
        image = ImageOps.exif_transpose(image)  # phones store rotation in EXIF
        image = image.convert("RGB")
        image.thumbnail((WORK_SIDE, WORK_SIDE))
        return np.asarray(image)
    except PhotoError:
        raise
    except Exception as exc:  # Pillow raises many kinds on crafted files; all mean a bad image.
        raise PhotoError("bad_image", "the photo could not be decoded") from exc


def analyse(pixels: np.ndarray) -> Face:
    """The one face in the picture; PhotoError no_face or several_faces otherwise."""
    with _DLIB_LOCK:
        boxes = face_recognition.face_locations(pixels, number_of_times_to_upsample=0)
        if not boxes:
            # Only a small face is missed at the working size: look again, upsampled once.
            boxes = face_recognition.face_locations(pixels, number_of_times_to_upsample=1)
        if not boxes:
            raise PhotoError("no_face", "no face found in the photo")
        if len(boxes) > 1:
            raise PhotoError("several_faces", f"{len(boxes)} faces found; the photo must show one person")
        points = face_recognition.face_landmarks(pixels, boxes, model="large")[0]
        encoding = face_recognition.face_encodings(pixels, boxes)[0]
    landmarks = np.array(
        [
            *points["chin"],
            *points["left_eyebrow"],
            *points["right_eyebrow"],
            *points["nose_bridge"],
            *points["nose_tip"],
            *points["left_eye"],
            *points["right_eye"],
        ],
        dtype=float,
    )
    return Face(encoding=encoding, landmarks=landmarks, pixels_sha256=hashlib.sha256(pixels.tobytes()).hexdigest())


def read_face(data: bytes) -> Face:
    return analyse(decode_photo(data))


def encoding_to_bytes(encoding: np.ndarray) -> bytes:
    return np.asarray(encoding, dtype="<f8").tobytes()


def encoding_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f8")


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b))


# --- liveness measures ---------------------------------------------------------------
# Landmark indices (dlib 68-point layout): jaw 0-16, nose tip 30, eyes 36-41 and 42-47.


def eye_aspect_ratio(points: np.ndarray) -> float:
    """Mean over both eyes of (|p2-p6| + |p3-p5|) / (2 |p1-p4|) (Soukupová & Čech, 2016)."""
    ratios = []
    for eye in (points[36:42], points[42:48]):
        vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
        ratios.append(vertical / (2 * np.linalg.norm(eye[0] - eye[3])))
    return float(np.mean(ratios))


def nose_offset(points: np.ndarray) -> float:
    """Where the nose tip sits along the jaw line, from -0.5 (image left) to 0.5 (image right).

    Measured along the line between the jaw's ends, so it ignores a tilted head (roll)
    and the face's size; a flat photo moved or tilted in front of the camera keeps it.
    """
    left, right = points[0], points[16]
    axis = right - left
    return float(np.dot(points[30] - (left + right) / 2, axis) / np.dot(axis, axis))


def landmark_motion(frames: Sequence[np.ndarray]) -> float:
    """Largest non-rigid landmark movement against the first frame, in eye distances.

    Each frame is first aligned to the first by the best similarity transform
    (Procrustes), so moving, turning or zooming a still photo counts as no motion.
    """
    base = frames[0]
    base_c = base - base.mean(axis=0)
    eye_distance = np.linalg.norm(base[36:42].mean(axis=0) - base[42:48].mean(axis=0))
    worst = 0.0
    for other in frames[1:]:
        other_c = other - other.mean(axis=0)
        u, s, vt = np.linalg.svd(other_c.T @ base_c)
        rotation = u @ vt
        scale = s.sum() / (other_c**2).sum()
        residual = np.linalg.norm(scale * other_c @ rotation - base_c, axis=1).max()
        worst = max(worst, float(residual / eye_distance))
    return worst


def _blinked(ears: list[float]) -> bool:
    for i in range(1, len(ears) - 1):
        before, after = max(ears[:i]), max(ears[i + 1 :])
        closed = ears[i]
        if closed <= BLINK_MAX_EAR and closed <= (1 - BLINK_MIN_DROP) * min(before, after):
            return True
    return False


def _turn(offsets: list[float], challenge: str) -> str:
    # Frames as the camera records them (not mirrored): a person turning to their own
    # left moves their nose toward the image's right edge.
    sign = 1.0 if challenge == "turn_left" else -1.0
    moves = [sign * (o - offsets[0]) for o in offsets[1:]]
    if max(moves) >= TURN_MIN_SHIFT:
        return "ok"
    if -min(moves) >= TURN_MIN_SHIFT:
        return "wrong_direction"
    return "no_turn"


def check_liveness(challenge: str, faces: Sequence[Face], distances: Sequence[float], threshold: float) -> Liveness:
    """Did one live person do the challenge over the frames (in capture order)?

    Order of judgement: every frame must show the enrolled person; the same picture in
    every frame is no motion; a met challenge passes; otherwise landmarks that move no
    more than those of copies of one still photo are no motion, else the challenge was
    not met.
    """
    if any(d > threshold for d in distances):
        return Liveness(False, challenge, "different_person")
    if len({f.pixels_sha256 for f in faces}) == 1:
        return Liveness(False, challenge, "no_motion")
    points = [f.landmarks for f in faces]
    if challenge == "blink":
        outcome = "ok" if _blinked([eye_aspect_ratio(p) for p in points]) else "no_blink"
    else:
        outcome = _turn([nose_offset(p) for p in points], challenge)
    if outcome == "ok":
        return Liveness(True, challenge, "ok")
    if landmark_motion(points) < STILL_MAX_LANDMARK_MOTION:
        return Liveness(False, challenge, "no_motion")
    return Liveness(False, challenge, outcome)


def check_frames(enrolled: np.ndarray, faces: Sequence[Face], challenge: str, threshold: float) -> FaceCheck:
    """Match every frame against the enrolled encoding and judge liveness."""
    distances = [round(distance(enrolled, f.encoding), 4) for f in faces]
    worst = max(distances)
    return FaceCheck(
        match=worst <= threshold,
        distance=worst,
        frame_distances=distances,
        liveness=check_liveness(challenge, faces, distances, threshold),
    )

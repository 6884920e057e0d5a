"""Turn a rendered page into what people send: a phone photo, a flat scan, a PDF, or a HEIC/PNG file.

Phone photos get a background around the page, rotation and perspective (the phone is not held
flat), uneven light and a shadow, blur, sensor noise and JPEG artefacts. Every effect is drawn from
a seeded ``random.Random`` so the set is the same on every run.
"""

from __future__ import annotations

import io
import random
from typing import List

import cv2
import numpy as np
from PIL import Image


def phone_photo(page: Image.Image, rng: random.Random, *, hard: bool = False) -> bytes:
    """A JPEG phone photo of ``page`` lying on a table."""
    canvas_w, canvas_h = (1500, 2000) if rng.random() < 0.7 else (1700, 2200)
    page_rgb = np.asarray(page.convert("RGB")).astype(np.float32)
    background = _background(canvas_w, canvas_h, rng)
    share = rng.uniform(0.72, 0.86) if not hard else rng.uniform(0.62, 0.74)
    width = canvas_w * share
    height = width * page.height / page.width
    if height > canvas_h * 0.92:
        height = canvas_h * 0.92
        width = height * page.width / page.height
    cx = canvas_w / 2 + rng.uniform(-0.05, 0.05) * canvas_w
    cy = canvas_h / 2 + rng.uniform(-0.03, 0.03) * canvas_h
    angle = np.radians(rng.uniform(-8, 8) if not hard else rng.choice([-1, 1]) * rng.uniform(6, 12))
    corners = np.array(
        [[-width / 2, -height / 2], [width / 2, -height / 2], [width / 2, height / 2], [-width / 2, height / 2]]
    )
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = corners @ rotation.T + [cx, cy]
    jitter = 0.035 if not hard else 0.06
    corners += np.array(
        [[rng.uniform(-jitter, jitter) * width, rng.uniform(-jitter, jitter) * height] for _ in range(4)]
    )
    source = np.array(
        [[0, 0], [page.width - 1, 0], [page.width - 1, page.height - 1], [0, page.height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(page_rgb, matrix, (canvas_w, canvas_h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones(page_rgb.shape[:2], np.float32), matrix, (canvas_w, canvas_h))[..., None]
    paper_tint = np.array([rng.uniform(0.93, 1.0), rng.uniform(0.92, 0.99), rng.uniform(0.86, 0.96)])
    image = warped * paper_tint * mask + background * (1 - mask)
    image *= _lighting(canvas_w, canvas_h, rng, hard)[..., None]
    sigma = rng.uniform(0.6, 1.3) if not hard else rng.uniform(1.2, 1.7)
    image = cv2.GaussianBlur(image, (0, 0), sigma)
    image += np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 6), image.shape)
    return _jpeg(np.clip(image, 0, 255).astype(np.uint8), rng.randint(55, 85) if not hard else rng.randint(40, 60))


def flat_scan(page: Image.Image, rng: random.Random, *, fmt: str = "PNG") -> bytes:
    """A flatbed or app scan: the page fills the frame, a slight tilt, a little grey noise."""
    tilted = page.convert("L").rotate(rng.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=255, expand=False)
    scale = rng.uniform(0.75, 1.0)
    tilted = tilted.resize((int(tilted.width * scale), int(tilted.height * scale)), Image.LANCZOS)
    pixels = np.asarray(tilted).astype(np.float32)
    pixels += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 4, pixels.shape)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    if fmt == "JPEG":
        out.save(buffer, "JPEG", quality=80)
    else:
        out.save(buffer, fmt)
    return buffer.getvalue()


def pdf(pages: List[Image.Image]) -> bytes:
    """A PDF of ``pages`` at 200 dpi, as a scanner app or an online account download makes."""
    buffer = io.BytesIO()
    rgb = [p.convert("RGB") for p in pages]
    rgb[0].save(buffer, "PDF", resolution=200.0, save_all=True, append_images=rgb[1:])
    return buffer.getvalue()


def heic(page: Image.Image) -> bytes:
    """The page as an iPhone HEIC photo (pillow-heif)."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, "HEIF", quality=80)
    return buffer.getvalue()


def _background(width: int, height: int, rng: random.Random) -> np.ndarray:
    """A table top: a base colour with grain and broad streaks."""
    base = np.array(rng.choice([(120, 84, 52), (60, 60, 66), (160, 150, 135), (35, 40, 50), (95, 110, 90)]), np.float32)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 1, (height // 8, width // 8)).astype(np.float32)
    noise = cv2.resize(cv2.GaussianBlur(noise, (0, 0), 3), (width, height))
    streaks = np.sin(np.linspace(0, rng.uniform(20, 60), width))[None, :] * 6
    return base + (noise[..., None] * 18 + streaks[..., None])


def _lighting(width: int, height: int, rng: random.Random, hard: bool) -> np.ndarray:
    """Brightness over the frame: a gradient from one side and, often, a soft shadow (a hand, a phone)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(direction) * xs / width + np.sin(direction) * ys / height
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    light = rng.uniform(0.95, 1.05) - ramp * (rng.uniform(0.1, 0.3) if not hard else rng.uniform(0.3, 0.45))
    if rng.random() < 0.6 or hard:
        sx, sy = rng.uniform(0.1, 0.9) * width, rng.uniform(0.1, 0.9) * height
        radius = rng.uniform(0.2, 0.4) * width
        shadow = np.exp(-(((xs - sx) ** 2 + (ys - sy) ** 2) / (2 * radius**2)))
        light -= shadow * (rng.uniform(0.15, 0.3) if not hard else 0.35)
    return np.clip(light, 0.35, 1.1)


def _jpeg(rgb: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()

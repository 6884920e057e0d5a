"""Clean up a phone photo or scan of a paper page before OCR (OpenCV).

Steps: shrink to a working size, find the sheet of paper (the largest bright four-cornered shape)
and flatten it (perspective correction), otherwise straighten the text (deskew); then grayscale,
even out the light (shadows, a lamp on one side), denoise lightly and boost local contrast.
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np
from PIL import Image

PAGE_WIDTH = 1700
"""Width of the flattened page in pixels: a US letter page at 200 dpi."""
WORK_SIZE = 1000
"""Longest side of the small copy the page outline is searched on."""
MIN_PAGE_SHARE = 0.2
"""A sheet must cover at least this share of the photo to be taken as the page."""
WHITE = (255.0,)
"""Paper colour for the corners a rotation or warp uncovers (OpenCV's scalar for a gray image)."""


def clean_page(image: Image.Image) -> Image.Image:
    """Return a flattened, straightened grayscale page ready for Tesseract."""
    rgb = np.asarray(image.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    quad = find_page_quad(gray)
    if quad is not None:
        gray = _warp(gray, quad)
    else:
        gray = _resize_to_width(gray, PAGE_WIDTH)
        gray = deskew(gray)
    gray = even_light(gray)
    return Image.fromarray(gray)


def find_page_quad(gray: np.ndarray) -> Optional[np.ndarray]:
    """Corners (4x2, in ``gray``'s pixels) of the sheet of paper, or None when the photo is the page itself."""
    height, width = gray.shape
    scale = WORK_SIZE / max(height, width)
    small = (
        cv2.resize(gray, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray.copy()
    )
    scale = min(scale, 1.0)
    blurred = cv2.GaussianBlur(small, (7, 7), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))  # fill the text holes
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(largest)
    total = small.shape[0] * small.shape[1]
    if area < MIN_PAGE_SHARE * total or area > 0.97 * total:
        return None  # no sheet, or the sheet fills the frame (a scan): nothing to flatten
    hull = cv2.convexHull(largest)
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(approx) == 4:
            return _order(approx.reshape(4, 2).astype(np.float32) / scale)
    rect = cv2.minAreaRect(hull)
    return _order(cv2.boxPoints(rect).astype(np.float32) / scale)


def deskew(gray: np.ndarray, max_angle: float = 15.0) -> np.ndarray:
    """Rotate ``gray`` so its text lines are level (angles beyond ``max_angle`` are left alone)."""
    small = _resize_to_width(gray, 800)
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    ink = cv2.dilate(ink, np.ones((1, 25), np.uint8))  # smear letters into line bars
    lines = cv2.HoughLinesP(ink, 1, np.pi / 720, threshold=200, minLineLength=small.shape[1] // 4, maxLineGap=20)
    if lines is None:
        return gray
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines[:, 0]]
    angles = [a for a in angles if abs(a) <= max_angle]
    if not angles:
        return gray
    angle = float(np.median(angles))
    if abs(angle) < 0.3:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=WHITE)


def even_light(gray: np.ndarray) -> np.ndarray:
    """Divide out the background light (shadows, vignetting), then denoise and stretch contrast."""
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    background = cv2.GaussianBlur(background, (31, 31), 0)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    flat = (
        cv2.fastNlMeansDenoising(flat, None, h=7, templateWindowSize=7, searchWindowSize=15) if _noisy(flat) else flat
    )
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    return clahe.apply(flat)


def _noisy(gray: np.ndarray) -> bool:
    """True when the paper area is grainy (a dark or high-ISO photo)."""
    paper = gray[gray > 200]
    return paper.size > 0 and float(np.std(paper)) > 12.0


def _warp(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    top_left, top_right, bottom_right, bottom_left = quad
    width = max(float(np.linalg.norm(top_right - top_left)), float(np.linalg.norm(bottom_right - bottom_left)))
    height = max(float(np.linalg.norm(bottom_left - top_left)), float(np.linalg.norm(bottom_right - top_right)))
    out_w = PAGE_WIDTH
    out_h = round(PAGE_WIDTH * height / max(width, 1.0))
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderValue=WHITE)


def _order(points: np.ndarray) -> np.ndarray:
    """Order four corners as top-left, top-right, bottom-right, bottom-left."""
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(sums)], points[np.argmin(diffs)], points[np.argmax(sums)], points[np.argmax(diffs)]],
        dtype=np.float32,
    )


def _resize_to_width(gray: np.ndarray, width: int) -> np.ndarray:
    height, current = gray.shape
    if abs(current - width) < 8:
        return gray
    interpolation = cv2.INTER_AREA if current > width else cv2.INTER_CUBIC
    return cv2.resize(gray, (width, round(height * width / current)), interpolation=interpolation)

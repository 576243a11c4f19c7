"""A small analysis module written for NumPy 1.x (the README runs `migrate` on it)."""
import numpy as np
from numpy import NaN, ComplexWarning


def summarize(values, weights=None):
    data = np.asarray(values, dtype=np.float_)
    data[data < 0] = NaN
    if np.sometrue(np.isnan(data)):
        data = np.where(np.isnan(data), np.NINF, data)
    return {
        "total": np.product(data.shape),
        "area": np.trapz(np.nan_to_num(data)),
        "spread": np.NINF ** 2,
        "inside": np.in1d(data, [1.0, 2.0]),
    }


def complex_part(values):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ComplexWarning)
        return np.asarray(values, dtype=np.complex_).real


def legacy_dtype():
    return np.zeros(3, dtype="int0"), np.cast[np.float32]([1, 2])


def no_replacement():
    np.who()  # reported: NumPy 2 has nothing to replace it with

#!/usr/bin/python3
"""Writes the .npz/.npy fixtures with real numpy (Debian python3-numpy), so the readers are tested
against the bytes numpy actually produces. Run from this folder: /usr/bin/python3 make_fixtures.py
Pixels follow (i*7 + r*3 + c) % 256 for image i, row r, column c; train labels 3 1 4, test 1 5."""
import numpy as np

def images(n):
    i, r, c = np.meshgrid(np.arange(n), np.arange(28), np.arange(28), indexing="ij")
    return ((i * 7 + r * 3 + c) % 256).astype(np.uint8)

train_x, train_y = images(3), np.array([3, 1, 4], dtype=np.uint8)
test_x, test_y = images(2), np.array([1, 5], dtype=np.uint8)

np.savez("seed_savez.npz", train_x=train_x, train_y=train_y, test_x=test_x, test_y=test_y)
np.savez_compressed("keras_compressed_float.npz",
                    x_train=train_x.astype(np.float32) / 255, y_train=train_y.astype(np.int64),
                    x_test=test_x.astype(np.float64) / 255, y_test=test_y.astype(np.int32))
np.savez("fortran_bigendian_flat.npz",
         train_x=np.asfortranarray(train_x), train_y=train_y.astype(">i8"),
         test_x=test_x.reshape(2, 784).astype(">f4") / np.float32(255), test_y=test_y.astype(">i4"))
np.savez("pickled_objects.npz", train_x=np.array([{"a": 1}, None], dtype=object),
         train_y=train_y, test_x=test_x, test_y=test_y)
np.savez("label_out_of_range.npz", train_x=train_x, train_y=np.array([3, 10, 4], dtype=np.uint8),
         test_x=test_x, test_y=test_y)
np.savez("missing_keys.npz", train_x=train_x, train_y=train_y)
for version in [(1, 0), (2, 0), (3, 0)]:
    with open(f"v{version[0]}.npy", "wb") as f:
        np.lib.format.write_array(f, np.asfortranarray(train_x.astype("<i4")), version=version)
print("numpy", np.__version__)

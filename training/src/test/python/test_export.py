"""Loads a lakepipe export with PyTorch alone (no Spark, no pyarrow) and trains a tiny model on it.

Usage: python3 test_export.py EXPORT_DIR
The export is the one TrainingSetTest writes (training/target/training-export): the training set of
training/src/test/resources/specs/training-set.conf, four labelled impressions.
"""
import hashlib
import json
import os
import sys
import unittest

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

EXPORT = sys.argv.pop(1) if len(sys.argv) > 1 else "training/target/training-export"


class ExportDataset(Dataset):
    """One example per row: every column of the manifest as a tensor, arrays with their lengths."""

    def __init__(self, folder):
        with open(os.path.join(folder, "manifest.json")) as f:
            self.manifest = json.load(f)
        self.columns = {}
        for column in self.manifest["columns"]:
            files = column["files"]
            values = np.load(os.path.join(folder, files["values"]))
            if values.dtype.kind == "U":
                continue  # strings stay out of the tensors; a model would take a vocabulary of them
            self.columns[column["name"]] = torch.from_numpy(values.astype(np.float32)
                                                            if values.dtype.kind == "b" else values)
            for extra in ("lengths", "valid"):
                if extra in files:
                    self.columns[column["name"] + "." + extra] = torch.from_numpy(
                        np.load(os.path.join(folder, files[extra])))

    def __len__(self):
        return self.manifest["rows"]

    def __getitem__(self, index):
        return {name: tensor[index] for name, tensor in self.columns.items()}


class ClickModel(torch.nn.Module):
    """Mean of the embeddings of the items seen, and the clicks when known, to the odds of an order."""

    def __init__(self):
        super().__init__()
        self.items = torch.nn.Embedding(64, 4)
        self.out = torch.nn.Linear(4 + 2, 1)

    def forward(self, batch):
        items = batch["seq_item_id"] % 64
        mask = (torch.arange(items.shape[1])[None, :] < batch["seq_item_id.lengths"][:, None]).float()
        pooled = (self.items(items) * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        clicks = batch["clicks_7d"].float()[:, None]
        known = batch["clicks_7d.valid"].float()[:, None]
        return self.out(torch.cat([pooled, clicks * known / 10, known], dim=1)).squeeze(1)


class ExportTest(unittest.TestCase):
    def setUp(self):
        self.data = ExportDataset(EXPORT)

    def test_rows_shapes_and_values_match_the_manifest(self):
        manifest = self.data.manifest
        self.assertEqual(4, manifest["rows"])
        self.assertEqual(4, len(self.data))
        for column in manifest["columns"]:
            values = np.load(os.path.join(EXPORT, column["files"]["values"]))
            self.assertEqual(tuple(column["shape"]), values.shape, column["name"])
        digest = hashlib.sha256()
        for column in manifest["columns"]:
            for name in column["files"].values():
                with open(os.path.join(EXPORT, name), "rb") as f:
                    data = f.read()
                self.assertEqual(manifest["files"][name], hashlib.sha256(data).hexdigest(), name)
                digest.update(data)
        self.assertEqual(manifest["checksum"], digest.hexdigest())
        # Rows in impression order; padded sequences with their lengths; nulls marked invalid.
        self.assertEqual([1, 2, 3, 4], self.data.columns["impression_id"].tolist())
        self.assertEqual([[11, 10], [10, 0], [20, 0], [0, 0]], self.data.columns["seq_item_id"].tolist())
        self.assertEqual([2, 1, 1, 0], self.data.columns["seq_item_id.lengths"].tolist())
        self.assertEqual([6.0, 1.0, 0.0, 0.0], self.data.columns["clicks_7d"].tolist())
        self.assertEqual([True, True, False, False], self.data.columns["clicks_7d.valid"].tolist())
        self.assertEqual([1.0, 0.0, 1.0, 0.0], self.data.columns["ordered"].tolist())
        segments = np.load(os.path.join(EXPORT, "segment.npy"))
        self.assertEqual(["new", "new", "regular", ""], segments.tolist())

    def test_a_tiny_model_learns_from_it(self):
        torch.manual_seed(7)
        model = ClickModel()
        optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        loader = DataLoader(self.data, batch_size=2, shuffle=True)
        loss_fn = torch.nn.BCEWithLogitsLoss()

        def epoch_loss():
            with torch.no_grad():
                batch = next(iter(DataLoader(self.data, batch_size=len(self.data))))
                return loss_fn(model(batch), batch["ordered"]).item()

        before = epoch_loss()
        for _ in range(30):
            for batch in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(batch), batch["ordered"])
                loss.backward()
                optimizer.step()
        after = epoch_loss()
        self.assertLess(after, before * 0.5, f"loss {before} -> {after}")


if __name__ == "__main__":
    unittest.main()

"""Data layer: readers, validation, splits, fingerprints and the config-described dataset."""

from marsad.data.paths import resolve_data_root
from marsad.data.table_dataset import LoadedSplits, TableDataset

__all__ = ["LoadedSplits", "TableDataset", "resolve_data_root"]

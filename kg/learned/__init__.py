"""The learned relation layer: candidates from the rules and high-recall generators, scored by
small models trained on real annotated pages (``kg model train-relations``).

* :mod:`.candidates` -- entity groups, Action / Cluster spans and relation pairs, with features;
* :mod:`.linear` -- the hashed-feature logistic regression (numpy, deterministic);
* :mod:`.trees` -- gradient-boosted trees over the same hashed features (numpy, deterministic);
* :mod:`.layer` -- ``LearnedLayer``: loads the shipped models and applies them to a document;
* :mod:`.train` -- labels from gold, out-of-fold thresholds, training and saving.
"""

from .layer import DEFAULT_MODEL_DIR, LearnedLayer, model_files_version

__all__ = ["DEFAULT_MODEL_DIR", "LearnedLayer", "model_files_version"]

"""Skeleton action recognition: ST-GCN, 2s-AGCN, CTR-GCN over graphs built from layouts.

Modules by role (import them directly; this package import stays light):

* ``graph``       numpy adjacency / ST-GCN spatial partition / bones from a SkeletonLayout
* ``preprocess``  centring, alignment, uniform clip sampling, augmentation, 2D normalisation
* ``stgcn``, ``agcn``, ``ctrgcn``  the models (input (N, C, T, V, M)) and their configs
* ``names``       the models' names (``stgcn``, ``2sagcn``, ``ctrgcn``), without importing torch
* ``registry``    ``build_model(name, config)``, ``make_config(name, **fields)``
* ``data``        ``RecognitionItem``, ``RecognitionDataset``
* ``train``       ``TrainConfig``, ``train_recognizer``
* ``evaluate``    ``predict``, ``evaluate``, ``EvalResult``
* ``checkpoint``  ``save_checkpoint``, ``load_checkpoint``, ``data_fingerprint``
* ``toydata``     tiny separable fake sequences for tests and benchmarks
"""

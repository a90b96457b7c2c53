"""Human mesh recovery: SMPL fitted to keypoints, learned models, imported results."""

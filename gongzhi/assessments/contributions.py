"""What the assessments add to the platform (gongzhi.core.registry)."""

"""What the warning letters add to the platform (gongzhi.core.registry)."""

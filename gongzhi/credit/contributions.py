"""What the credit files add to the platform (gongzhi.core.registry)."""

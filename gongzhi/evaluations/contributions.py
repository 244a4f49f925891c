"""What this app adds to the platform (gongzhi.core.registry): navigation, home items, sweeps,
audit labels."""

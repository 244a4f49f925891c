"""Warning letters: templates, triggers' settings, letters and their steps."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """No models: the demo town is made of every other app's data, played through their services."""

    name = "gongzhi.demo"
    label = "demo"

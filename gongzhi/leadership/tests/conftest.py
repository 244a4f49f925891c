from gongzhi.testing import english_outside_browser  # noqa: F401 - autouse: messages in English, browsers in Chinese

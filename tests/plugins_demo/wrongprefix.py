from tests.plugins_demo.broken import WrongPrefix

plugin = WrongPrefix()

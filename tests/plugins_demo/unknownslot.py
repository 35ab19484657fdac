from tests.plugins_demo.broken import UnknownSlot

plugin = UnknownSlot()

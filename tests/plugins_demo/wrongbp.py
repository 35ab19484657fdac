from tests.plugins_demo.broken import WrongBlueprintName

plugin = WrongBlueprintName()

from zhizhi.cli.main import app

app()

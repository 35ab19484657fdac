"""``python -m app.pdf``: the render server a web process starts for its PDFs (see worker.py)."""
from app.pdf.worker import serve

serve()

"""Reading a capture: bytes, text, HTML or a WARC record become a :class:`~cleanse.model.Capture`.

:mod:`.capture` decodes what the caller hands over, :mod:`.html` renders an
HTML page to lines with DOM hints (helped by :mod:`.main_content`'s
readability-style score), :mod:`.warc` turns a crawl into captures.
"""

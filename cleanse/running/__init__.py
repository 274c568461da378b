"""Running cleanse over many captures: workers (:mod:`.batch`), where records go
(:mod:`.outputs`), Ray (:mod:`.ray_engine`) and the command line (:mod:`.cli`).
"""

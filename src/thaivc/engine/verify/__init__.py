"""One verification pipeline per securing format: ``jose`` (vc+jwt, vp+jwt), ``di`` (Data Integrity),
``sdjwt`` (SD-JWT VC), each called by :class:`thaivc.engine.verifier.Verifier`.
"""

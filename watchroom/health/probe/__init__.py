"""The probe: pure functions, URL and thresholds in, result out, no ORM (so it can run in a Celery
worker inside a campus's camera network). Tier 1 is reachability, tier 2 decodes one keyframe and
measures the picture (视频质量诊断; EQP-4, INC-9)."""

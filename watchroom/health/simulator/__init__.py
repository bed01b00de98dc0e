"""The simulated camera fleet for tests, the demo and the benchmarks (issue 6).

- `clips`: per-defect H.264 clips made once with ffmpeg from a synthetic scene, cached;
- `rtsp_server.py`: one GStreamer gst-rtsp-server process (Debian's /usr/bin/python3 + python3-gi)
  serving many mounts from those clips, with digest-auth mounts;
- `http_cams`: aiohttp snapshot cameras, basic-auth cameras, a camera that hangs, and a TCP port that
  accepts and never answers;
- `onvif_devices`: ONVIF devices (SOAP device and media services, WS-UsernameToken digest), one
  127.0.0.1 port each, giving the stream and snapshot addresses of the cameras above;
- `fleet`: starts them as subprocesses on 127.0.0.1 and says which URL is which defect.
"""

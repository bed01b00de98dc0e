#!/usr/bin/env python
"""Same as the `watchroom` console script."""

from watchroom.__main__ import main

if __name__ == "__main__":
    main()

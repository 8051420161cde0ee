"""The coach's web app and the athlete's phone check-in (``runstrong serve``): server-rendered
pages and a JSON API over the same application layer (``engine.app``) the CLI uses."""

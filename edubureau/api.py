"""The JSON API root: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(title="教育局工作平台 API", version="1", urls_namespace="api", docs_url="/docs")

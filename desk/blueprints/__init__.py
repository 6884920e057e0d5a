"""The desk's blueprints, one per area: auth, pages, api, health."""

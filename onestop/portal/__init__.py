"""The citizen portal's shell: the tenant chooser, each tenant's home page and the error
pages. The pages of each business area live in that area's app (``views``, templates)."""

"""The API's views: thin (parse, call a selector or service, serialize); the portal pages are in api/pages."""

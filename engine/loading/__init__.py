"""Reading files safely: YAML with line numbers, request documents, the bundled data directories."""

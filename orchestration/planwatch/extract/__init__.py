"""Extract indicator tables from a published plan document (scraped text or saved HTML) into the raw/plans
contract (docs/raw-contract.md). Entry point: `planwatch.extract.document.extract_document`."""

"""Domain and storage: SQLAlchemy models, migrations, services and privacy rules."""

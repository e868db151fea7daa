"""csfacts: figures and claims from children's services documents, validated into Parquet."""

__version__ = "0.1.0"

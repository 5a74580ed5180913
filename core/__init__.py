"""Infrastructure below every app: locks shared by workers, text clean-up. Imports nothing
from Écoute's apps."""

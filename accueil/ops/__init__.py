"""Operating an Accueil home: backup and restore of the state that cannot be rebuilt, and room on its disk."""

"""The labels of the service map page (dashboards/views/service_map.py)."""

from __future__ import annotations

MAP_LABELS: dict[str, dict[str, str]] = {
    "map.intro": {
        "en": "Where the partnership's service sites are, where its clients live (by residence FSA, "
        "counts under disclosure control), and which areas are far from a stream. Distances are great-circle "
        "distances between FSA centroids (GeoNames, CC BY 4.0).",
        "fr": "Où sont les points de service du partenariat, où vivent ses clients (par RTA de résidence, "
        "nombres sous contrôle de divulgation) et quelles zones sont loin d'un volet. Les distances sont "
        "orthodromiques, entre centroïdes de RTA (GeoNames, CC BY 4.0).",
    },
    "map.stream": {"en": "Service stream", "fr": "Volet de service"},
    "map.language": {"en": "Language of service", "fr": "Langue du service"},
    "map.any_language": {"en": "Any language", "fr": "Toute langue"},
    "map.size": {"en": "Community size", "fr": "Taille de la collectivité"},
    "map.any_size": {"en": "Every community size", "fr": "Toutes les tailles"},
    "map.map": {"en": "Map", "fr": "Carte"},
    "map.caption": {
        "en": "Squares: sites offering the stream (purple: in French too). Circles: clients by residence FSA "
        "(grey: count suppressed). Red: FSAs more than {km} km from the stream.",
        "fr": "Carrés : points de service offrant le volet (violets : en français aussi). Cercles : clients par RTA "
        "de résidence (gris : nombre supprimé). Rouge : RTA à plus de {km} km du volet.",
    },
    "map.layer": {"en": "Layer", "fr": "Couche"},
    "map.layer_site": {"en": "Site", "fr": "Point de service"},
    "map.layer_site_french": {"en": "Site, in French", "fr": "Point de service, en français"},
    "map.layer_clients": {"en": "Clients", "fr": "Clients"},
    "map.layer_hidden": {"en": "Clients (suppressed)", "fr": "Clients (supprimé)"},
    "map.layer_gap": {"en": "Access gap", "fr": "Lacune d'accès"},
    "map.sites": {"en": "Sites offering the stream", "fr": "Points de service offrant le volet"},
    "map.clients": {"en": "Clients by residence FSA", "fr": "Clients par RTA de résidence"},
    "map.gaps": {"en": "Access gaps", "fr": "Lacunes d'accès"},
    "map.gaps_intro": {
        "en": "Residence FSAs of clients with no site offering the stream within {km} km.",
        "fr": "RTA de résidence de clients sans point de service offrant le volet à moins de {km} km.",
    },
    "map.shares": {"en": "Clients far from the stream", "fr": "Clients loin du volet"},
    "map.directory": {"en": "Service directory", "fr": "Répertoire des services"},
    "map.directory_intro": {
        "en": "Which sites offer the stream, nearest first to an FSA: the same answer as "
        "`accueil directory --stream S --language fr --near FSA`.",
        "fr": "Quels points de service offrent le volet, du plus proche au plus loin d'une RTA : la même réponse "
        "que `accueil directory --stream S --language fr --near RTA`.",
    },
    "map.near": {"en": "Near FSA (e.g. L2S)", "fr": "Près de la RTA (p. ex. L2S)"},
    "map.no_sites": {
        "en": "No site of the reference file has a location yet.",
        "fr": "Aucun point de service n'a encore d'emplacement.",
    },
    "map.fsa": {"en": "FSA", "fr": "RTA"},
    "map.place": {"en": "Place", "fr": "Lieu"},
    "map.site": {"en": "Site", "fr": "Point de service"},
    "map.site_name": {"en": "Site name", "fr": "Nom du point de service"},
    "map.agency": {"en": "Agency", "fr": "Organisme"},
    "map.languages": {"en": "Languages", "fr": "Langues"},
    "map.remote": {"en": "Remote service", "fr": "Service à distance"},
    "map.distance": {"en": "Distance (km)", "fr": "Distance (km)"},
    "map.nearest": {"en": "Nearest site", "fr": "Point de service le plus proche"},
    "map.latest": {"en": "Latest quarter", "fr": "Dernier trimestre"},
    "map.group": {"en": "Group", "fr": "Groupe"},
    "map.beyond_25": {"en": "Beyond 25 km", "fr": "À plus de 25 km"},
    "map.beyond_50": {"en": "Beyond 50 km", "fr": "À plus de 50 km"},
    "map.yes": {"en": "Yes", "fr": "Oui"},
    "map.no": {"en": "No", "fr": "Non"},
}

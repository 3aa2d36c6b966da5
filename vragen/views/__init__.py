"""Views of the vragen app: public (/vraag/), portal (/partner/vragen/, /partner/signalen/), rapporten."""

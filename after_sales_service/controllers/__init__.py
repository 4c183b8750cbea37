from . import portal, rating, warranty_check

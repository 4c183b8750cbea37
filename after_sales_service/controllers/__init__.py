from . import portal, warranty_check

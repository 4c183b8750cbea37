from . import add_part

from . import add_part, return_part

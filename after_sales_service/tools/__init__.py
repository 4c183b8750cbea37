from .date_utils import add_duration

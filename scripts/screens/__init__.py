"""The screenshots' browser (``browser``) and the views they show (``pages``)."""

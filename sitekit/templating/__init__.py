"""templating"""

"""(docstring below)"""

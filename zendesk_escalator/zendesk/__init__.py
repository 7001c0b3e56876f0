"""zendesk"""
